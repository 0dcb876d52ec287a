"""The Django admin for staff: expert input and what the secretariat does with it.

Submissions change only through their services (which record versions and
receipts), so they are read-only here, like their versions (append-only in the
database) and attachments (checked when uploaded, stored under generated
names). Tags and internal notes are the secretariat's working material.
"""

from __future__ import annotations

from django.contrib import admin

from consultation.admin import ReadOnlyAdminMixin
from evidence.models import (
    Attachment,
    InternalNote,
    ProposedRating,
    ProposedReference,
    Pseudonym,
    SentNotification,
    Submission,
    SubmissionVersion,
    Tag,
)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


class VersionInline(ReadOnlyInline):
    model = SubmissionVersion
    fields = ["number", "title", "sha256", "created_by", "created_at"]


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


class ProposedRatingInline(ReadOnlyInline):
    model = ProposedRating
    fields = ["solution", "criterion", "stars", "justification"]


class ProposedReferenceInline(ReadOnlyInline):
    model = ProposedReference
    fields = ["authors", "title", "year", "venue", "url"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "consultation", "author", "status", "submitted_at", "withdrawn_at", "current_version"]
    list_filter = ["status", "consultation"]
    search_fields = ["title", "author__username", "author__email"]
    list_select_related = ["consultation", "author"]
    inlines = [ProposedRatingInline, ProposedReferenceInline, AttachmentInline, VersionInline]


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["submission", "number", "sha256", "created_by", "created_at"]
    list_select_related = ["submission", "created_by"]
    search_fields = ["sha256", "submission__title"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "submission", "content_type", "size", "sha256", "uploaded_at"]
    list_select_related = ["submission"]
    search_fields = ["name", "sha256"]
    exclude = ["file"]  # the stored name is internal; files are served only through the permission-checked view


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "consultation"]
    list_filter = ["consultation"]
    search_fields = ["name"]


@admin.register(InternalNote)
class InternalNoteAdmin(admin.ModelAdmin):
    list_display = ["submission", "author", "created_at"]
    list_select_related = ["submission", "author"]
    raw_id_fields = ["submission"]


@admin.register(Pseudonym)
class PseudonymAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "consultation", "user"]
    list_select_related = ["consultation", "user"]


@admin.register(SentNotification)
class SentNotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["key", "kind", "recipient", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["key", "recipient"]
