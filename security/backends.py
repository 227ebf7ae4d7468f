"""django-axes' lockout check as the first authentication backend."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Axes' backend, except that authenticating without a request (a management command, the shell,
    the test client's login()) is not a login attempt from the internet: no lockout applies to it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        # A session signed in through this backend (the test client's force_login picks the first one)
        # loads the user the same way as a normal login: with their time zone, in one query.
        from accounts.backends import ProfileAwareBackend

        return ProfileAwareBackend().get_user(user_id)
