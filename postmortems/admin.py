from django.contrib import admin

from .models import Milestone, Postmortem, Recommendation


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0


@admin.register(Postmortem)
class PostmortemAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "status", "meeting_date", "created_at"]
    list_filter = ["team", "status"]
    filter_horizontal = ["inquiries"]
    inlines = [MilestoneInline, RecommendationInline]
