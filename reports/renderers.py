"""`?format=csv` on the report endpoints.

DRF reads the `format` query parameter itself (URL_FORMAT_OVERRIDE) and answers 404 when no renderer
has that format, so the reports declare a CSV renderer: it makes `?format=csv` legal, and also renders
errors (400/403/404) as a one-column CSV with the message, so a spreadsheet shows why.
"""

import csv
import io

from rest_framework.renderers import BaseRenderer

from .csv import report_csv


class ReportCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, dict) and "report" in data and "rows" in data:
            return report_csv(data).encode()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["detail"])
        writer.writerow([data.get("detail", "") if isinstance(data, dict) else str(data)])
        return buffer.getvalue().encode()
