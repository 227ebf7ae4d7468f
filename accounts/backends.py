"""Load the signed-in user together with what every page needs about them (their time zone, whether they
manage a team: the menu shows Reports only then), in the one query Django makes for the session's user
anyway."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, Subquery

from shifts.models import Member


class ProfileAwareBackend(ModelBackend):
    def get_user(self, user_id):
        first_team_zone = (
            Member.objects.filter(user=OuterRef("pk"), is_active=True)
            .order_by("joined_at")
            .values("team__timezone")[:1]
        )
        user = (
            self.user_model_queryset()
            .select_related("profile")
            .annotate(
                first_team_zone=Subquery(first_team_zone),
                manages_a_team=Exists(
                    Member.objects.filter(user=OuterRef("pk"), is_active=True, role=Member.Role.MANAGER)
                ),
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_model_queryset(self):
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager.all()
