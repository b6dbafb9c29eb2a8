"""The integration API's use cases (SPEC §15): an ERP or CRM runs arbot over HTTP.

``ingest`` takes customers, invoices and payments as JSON through the CSV import's own
checks and upsert (:func:`bot.imports.loader.import_records`), once per Idempotency-Key;
``feed`` reads the change feed that :mod:`bot.repositories.events` writes at each commit;
``webhooks`` delivers that feed, signed, to the operator's receivers, and
``webhook_worker`` runs those deliveries beside the dispatcher.
"""
