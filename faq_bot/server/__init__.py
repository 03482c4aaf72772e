"""The gunicorn glue: settings (`conf`), master hooks (`hooks`) and the sync worker whose own
refusals are JSON (`worker`)."""
