from rest_framework.authtoken.models import Token


class ApiToken(Token):
    """DRF's token as the admin shows it: named by its first characters only (the page title, the
    breadcrumbs and the admin's own log would otherwise carry the whole key)."""

    class Meta:
        proxy = True
        verbose_name = "API token"

    def __str__(self) -> str:
        from .tokens import token_prefix

        return token_prefix(self.key)
