"""The administrator's user management: users and proposed roles; the login-attempt log to read.

Separation of duties: the administrator proposes roles, a PPR leader approves those that open
children's data (``services``); nobody proposes a role to himself. The administrator never
chooses a password: a new user gets a one-time link by e-mail to choose his own, and a reset
sends the same link to the owner. A second factor is removed only when a PPR leader approves.
Every change is written to the audit log, and a user who loses a membership is logged out
everywhere at once.
"""

from typing import Any

from allauth.mfa.models import Authenticator
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ppr.audit.admin import ADMIN_PURPOSE, AuditedAdminMixin, RetireNotDeleteMixin
from ppr.audit.models import AuditAction
from ppr.audit.services import log_action
from ppr.forms import ModelForm
from ppr.http import signed_in_user

from . import services
from .models import Membership, User


class MembershipForm(ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "institution", "district", "team", "active"]

    def __init__(self, *args: Any, proposer: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposer = proposer

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        user_id = self.instance.user_id or getattr(cleaned.get("user"), "pk", None)
        if self.proposer is not None and user_id == self.proposer.pk and self.has_changed():
            raise ValidationError("Du kan ikke give dig selv en rolle.", code="self_grant")
        return cleaned


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["institution"]
    fields = ["role", "institution", "district", "team", "active", "approval"]
    readonly_fields = ["approval"]

    @admin.display(description="Godkendelse")
    def approval(self, membership: Membership) -> str:
        if membership.pk is None:
            return "–"
        proposed = (
            f"foreslået af {membership.proposed_by or 'ukendt'} "
            f"{timezone.localtime(membership.proposed_at):%d.%m.%Y %H:%M}"
            if membership.proposed_at
            else ""
        )
        if membership.is_pending:
            return f"Afventer en PPR-leders godkendelse ({proposed})"
        approved = f"{timezone.localtime(membership.approved_at):%d.%m.%Y}"
        by = f" af {membership.approved_by}" if membership.approved_by else ""
        state = "Godkendt" if membership.active else "Fjernet – godkendt"
        return f"{state}{by} {approved}"

    def _may_edit(self, request: HttpRequest, obj: User | None) -> bool:
        # Separation of duties: nobody proposes a role to himself, a superuser neither.
        return bool(obj is None or obj.pk != request.user.pk)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) and super().has_delete_permission(request, obj)


class InvitationForm(ModelForm):
    """A new user: who he is. He chooses his password himself, through the e-mailed link."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "title"]


@admin.register(User)
class UserAdmin(RetireNotDeleteMixin, AuditedAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "title", "is_active"]
    list_filter = ["is_active", "memberships__role"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    actions = ["end_sessions", "send_password_links", "request_second_factor_removal"]
    add_form = InvitationForm
    fieldsets = (
        (None, {"fields": ("email",)}),
        ("Person", {"fields": ("first_name", "last_name", "title")}),
        ("Adgang", {"fields": ("is_active", "is_staff", "is_superuser", "last_login")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "description": "Brugeren får en e-mail med et link, hvor han selv vælger sin "
                "adgangskode (eller logger ind med kommunens login). Roller, der giver adgang "
                "til børns oplysninger, gælder først, når en PPR-leder har godkendt dem.",
                "fields": ("email", "first_name", "last_name", "title"),
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = ["last_login"]
        if not request.user.is_superuser:
            # Only a superuser makes superusers: it would bypass every role check.
            readonly.append("is_superuser")
        return readonly

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Nobody sets another user's password: the owner gets a one-time link instead."""
        raise PermissionDenied

    def get_formset_kwargs(
        self, request: HttpRequest, obj: Any, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, MembershipInline):
            kwargs["form_kwargs"] = {"proposer": request.user}
        return kwargs

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.set_unusable_password()
        old_email = User.objects.filter(pk=obj.pk).values_list("email", flat=True).first()
        super().save_model(request, obj, form, change)
        if not change:
            return
        changed = set(getattr(form, "changed_data", []))
        if "is_active" in changed and not obj.is_active:
            self._end_sessions(request, obj, "bruger deaktiveret")
        if "email" in changed and old_email and obj.pk != request.user.pk:
            # Another address is another person until a PPR leader says otherwise: the
            # password link would go to the new address.
            services.resubmit_memberships(obj, by=signed_in_user(request), old_email=old_email)

    def response_add(self, request: HttpRequest, obj: User, post_url_continue: Any = None) -> Any:
        # After the memberships are saved too: the new user chooses his own password.
        services.send_password_link(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        user: User = form.instance
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            log_action(
                membership,
                AuditAction.DELETE,
                by=request.user,
                purpose=f"{ADMIN_PURPOSE}: medlemskab",
                request=request,
            )
            membership.delete()
        for membership in formset.new_objects:
            services.propose_membership(
                user=user,
                role=membership.role,
                institution=membership.institution,
                district=membership.district,
                team=membership.team,
                by=signed_in_user(request),
            )
        for membership, fields in formset.changed_objects:
            services.change_membership(membership, changed=set(fields), by=signed_in_user(request))
        if change and formset.deleted_objects:
            self._end_sessions(request, user, "medlemskab fjernet")

    def _end_sessions(self, request: HttpRequest, user: User, why: str) -> None:
        user.end_all_sessions()
        log_action(
            user,
            AuditAction.UPDATE,
            by=request.user,
            purpose=f"{ADMIN_PURPOSE}: logget ud alle steder ({why})",
            request=request,
        )
        if user.pk == request.user.pk:
            update_session_auth_hash(request, user)

    @admin.action(description="Log valgte brugere ud alle steder")
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset:
            self._end_sessions(request, user, "handling i administrationen")
            count += 1
        messages.success(request, f"{count} brugere er logget ud alle steder.")

    @admin.action(description="Send link til ny adgangskode til brugerens e-mail")
    def send_password_links(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            services.send_password_link(request, user)
        messages.success(
            request, f"{len(users)} brugere har fået et link til at vælge ny adgangskode."
        )

    @admin.action(description="Anmod om at fjerne totrinsbekræftelse (en PPR-leder godkender)")
    def request_second_factor_removal(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset:
            try:
                services.request_second_factor_removal(user=user, by=signed_in_user(request))
            except ValidationError as error:
                messages.error(request, error.messages[0])
                continue
            count += 1
        messages.success(
            request,
            f"{count} anmodninger venter nu på en PPR-leders godkendelse under Rettigheder.",
        )


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Who has a second factor; never its secret. Removing one is a request a PPR leader
    approves (the users' action "Anmod om at fjerne totrinsbekræftelse")."""

    # allauth gives these fields no verbose names (English "user", "created at"): Danish labels.
    list_display = ["owner", "type", "created", "last_used"]
    list_filter = ["type"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    fields = ["owner", "type", "created", "last_used"]
    readonly_fields = ["owner", "type", "created", "last_used"]

    @admin.display(description="Bruger", ordering="user__email")
    def owner(self, obj: Authenticator) -> Any:
        return obj.user

    @admin.display(description="Oprettet", ordering="created_at")
    def created(self, obj: Authenticator) -> Any:
        return obj.created_at

    @admin.display(description="Senest brugt", ordering="last_used_at")
    def last_used(self, obj: Authenticator) -> Any:
        return obj.last_used_at

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdminMixin:
    """A log to read: nobody adds, edits or deletes a row here (retention rules delete)."""

    actions = None
    # Newest first, also where the admin pages through it without a list (its autocomplete).
    ordering = ["-attempt_time"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# django-axes' own admin (AXES_ENABLE_ADMIN = False in settings) lets rows be deleted.
@admin.register(AccessAttempt)
class ReadOnlyAccessAttemptAdmin(ReadOnlyAdminMixin, AccessAttemptAdmin):
    pass


@admin.register(AccessLog)
class ReadOnlyAccessLogAdmin(ReadOnlyAdminMixin, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class ReadOnlyAccessFailureLogAdmin(ReadOnlyAdminMixin, AccessFailureLogAdmin):
    pass
