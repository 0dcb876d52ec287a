from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = "Consultations"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from consultation.middleware_accounts import mark_session_started

        # Sign-in time and first activity go into the session for its lifetime limits.
        user_logged_in.connect(mark_session_started, dispatch_uid="consultation_mark_session_started")
