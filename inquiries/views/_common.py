"""Moved to supportops.pages (public, for every app's pages); kept for the imports inside inquiries."""

from supportops.pages import error_page, not_found_as_404, report_error

__all__ = ["error_page", "not_found_as_404", "report_error"]
