"""The demo community that `manage.py seed_demo` (and `make run`) creates."""
