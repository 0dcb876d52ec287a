"""The Django admin for staff: every model of a consultation.

Ratings and classifications change only through their services, which record
a revision each time; the admin therefore shows them read-only, and the
revisions themselves (append-only, protected by a database trigger) and draft
imports cannot be added, changed or deleted here.
"""

from __future__ import annotations

from django.contrib import admin

from consultation.models import (
    AccessEvent,
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationRevision,
    Consultation,
    Criterion,
    DraftImport,
    DraftVersion,
    Footnote,
    Invitation,
    Membership,
    OpenItem,
    Profile,
    Reattachment,
    Reference,
    Round,
    RoundAnswer,
    Section,
    Solution,
    SolutionGroup,
)


class ReadOnlyAdminMixin:
    """Viewable, never added, changed or deleted from the admin."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "slug", "marking", "status", "opens_at", "closes_at", "updated_at"]
    list_display_links = ["reference", "title"]
    list_filter = ["status", "marking"]
    search_fields = ["slug", "reference", "title"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["version", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "consultation", "role", "created_at"]
    list_filter = ["role", "consultation"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name", "consultation__slug"]
    list_select_related = ["user", "consultation"]
    autocomplete_fields = ["user", "consultation"]


class FootnoteInline(admin.TabularInline):
    model = Footnote
    extra = 0
    fields = ["number", "text"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "consultation", "order"]
    list_filter = ["consultation"]
    search_fields = ["number", "title", "text"]
    list_select_related = ["consultation"]
    raw_id_fields = ["parent"]
    ordering = ["consultation", "order"]
    inlines = [FootnoteInline]


@admin.register(Footnote)
class FootnoteAdmin(admin.ModelAdmin):
    list_display = ["number", "section", "consultation", "short_text"]
    list_filter = ["consultation"]
    search_fields = ["text"]
    list_select_related = ["consultation", "section"]
    raw_id_fields = ["section"]

    @admin.display(description="text")
    def short_text(self, obj: Footnote) -> str:
        return obj.text[:100]


class SolutionInline(admin.TabularInline):
    model = Solution
    extra = 0
    fields = ["code", "title", "order", "retired_at"]
    show_change_link = True


@admin.register(SolutionGroup)
class SolutionGroupAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "consultation"]
    list_filter = ["consultation"]
    search_fields = ["name"]
    list_select_related = ["consultation"]
    inlines = [SolutionInline]


@admin.register(Solution)
class SolutionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "group", "consultation", "section", "retired_at"]
    list_filter = ["consultation", "group__name", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "title"]
    list_select_related = ["consultation", "group", "section"]
    raw_id_fields = ["section", "group"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "consultation", "order", "retired_at"]
    list_filter = ["consultation", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "name", "question"]
    list_select_related = ["consultation"]


@admin.register(OpenItem)
class OpenItemAdmin(admin.ModelAdmin):
    list_display = ["short_prompt", "consultation", "section", "place", "status", "updated_at"]
    list_filter = ["status", "consultation"]
    search_fields = ["prompt", "place", "resolution"]
    list_select_related = ["consultation", "section"]
    raw_id_fields = ["section", "created_by"]
    readonly_fields = ["import_marker", "version", "created_at", "updated_at"]

    @admin.display(description="prompt")
    def short_prompt(self, obj: OpenItem) -> str:
        return obj.prompt[:80]


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["group", "number", "title", "authors", "year", "consultation"]
    list_filter = ["consultation", "group"]
    search_fields = ["title", "authors", "venue", "url"]
    list_select_related = ["consultation"]
    ordering = ["consultation", "group_order", "number"]
    autocomplete_fields = ["solutions"]


class AssessmentRevisionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AssessmentRevision
    extra = 0
    fields = ["number", "created_at", "created_by", "source", "reason", "stars", "level"]
    readonly_fields = fields
    ordering = ["number"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A matrix cell. Read-only: a change must go through ``assessment_revise`` so that it leaves a revision."""

    list_display = ["solution", "criterion", "stars", "level", "revision", "changed_at", "consultation"]
    list_filter = ["consultation", "criterion__name", "stars"]
    search_fields = ["solution__code", "solution__title", "criterion__name", "level", "rationale"]
    list_select_related = ["consultation", "solution", "criterion"]
    inlines = [AssessmentRevisionInline]


class ClassificationRevisionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ClassificationRevision
    extra = 0
    fields = ["number", "created_at", "created_by", "source", "reason", "value"]
    readonly_fields = fields
    ordering = ["number"]


@admin.register(Classification)
class ClassificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A solution's classification. Read-only: changes go through ``classification_revise``."""

    list_display = ["solution", "value", "revision", "changed_at", "consultation"]
    list_filter = ["consultation", "value"]
    search_fields = ["solution__code", "solution__title"]
    list_select_related = ["consultation", "solution"]
    inlines = [ClassificationRevisionInline]


@admin.register(AssessmentRevision)
class AssessmentRevisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only history of the cells."""

    list_display = ["assessment", "number", "stars", "level", "source", "created_by", "created_at"]
    list_filter = ["consultation", "source"]
    search_fields = ["assessment__solution__code", "assessment__criterion__name", "reason", "level"]
    list_select_related = ["assessment__solution", "assessment__criterion", "created_by"]
    date_hierarchy = "created_at"


@admin.register(ClassificationRevision)
class ClassificationRevisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only history of the classifications."""

    list_display = ["classification", "number", "value", "source", "created_by", "created_at"]
    list_filter = ["consultation", "source", "value"]
    search_fields = ["classification__solution__code", "reason"]
    list_select_related = ["classification__solution", "created_by"]
    date_hierarchy = "created_at"


@admin.register(DraftImport)
class DraftImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Uploaded drafts, their previews and results: a record, not something to edit."""

    list_display = ["filename", "consultation", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["status", "consultation"]
    search_fields = ["filename", "sha256"]
    list_select_related = ["consultation", "created_by"]
    date_hierarchy = "created_at"


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "organisation", "expert_type", "country", "updated_at"]
    list_filter = ["expert_type"]
    search_fields = ["user__username", "user__email", "name", "organisation"]
    autocomplete_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Invitations are sent and revoked from the consultation's members page, which emails the link."""

    list_display = ["email", "consultation", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "consultation__slug"]
    exclude = ["token_sha256"]


@admin.register(Round)
class RoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["consultation", "number", "title", "opens_at", "closes_at", "status"]
    list_filter = ["status"]
    search_fields = ["consultation__slug", "title"]


@admin.register(RoundAnswer)
class RoundAnswerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["round", "assessment", "expert", "stars", "cannot_judge", "updated_at"]
    search_fields = ["expert__username", "assessment__solution__code", "comment"]


@admin.register(DraftVersion)
class DraftVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["consultation", "label", "published_at", "created_by"]
    search_fields = ["consultation__slug", "label", "note"]


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The access trail: read here, never added, changed or deleted (superusers included; the database refuses
    updates and deletes anyway)."""

    list_display = ["at", "username", "kind", "consultation", "what", "path", "ip"]
    list_filter = ["kind", "consultation"]
    search_fields = ["username", "path", "what"]
    list_select_related = ["consultation"]
    date_hierarchy = "at"


@admin.register(Reattachment)
class ReattachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Links a re-import could not keep: resolved on the consultation's "Needs re-attaching" page, read here."""

    list_display = ["consultation", "holder_kind", "holder_label", "target_kind", "old_target_label", "status"]
    list_filter = ["status", "target_kind"]
    search_fields = ["consultation__slug", "holder_label", "old_target_label", "new_target_label"]
