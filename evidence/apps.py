from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        # The rules register themselves on import; the provider shows input on consultation's pages.
        from consultation.extensions import register_evidence_provider, register_input_provider
        from evidence import rules  # noqa: F401
        from evidence.evidence_counts import EvidenceMapProvider
        from evidence.linked_input import EvidenceInputProvider

        register_input_provider(EvidenceInputProvider())
        # Excerpts and input pointing into the draft are carried forward when a later draft is imported.
        from consultation.links import register_link_holder
        from evidence.carry_links import EvidenceLinks

        register_link_holder(EvidenceLinks())
        register_evidence_provider(EvidenceMapProvider())
