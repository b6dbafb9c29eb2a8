"""AR data import from the ERP's CSV files (SPEC §4): customers, invoices, payments.

:func:`bot.imports.loader.import_file` is the one entry point; the rest are its parts —
``columns`` (what each file holds), ``reading`` (CSV text to records), ``rows`` (one record
to a typed row), and one module per kind that checks rows against the database and writes.
"""
