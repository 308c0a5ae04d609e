"""Shared test settings. The fixtures that start real parts (``run_cli``, ``cities_dir``,
``pg_server``, ``pg_url``, ``local_hub``, ``fake_portals``) come from the package's own pytest
plugin, :mod:`datacity_federation.testing.plugin`, as they do for any app that installs it."""

from __future__ import annotations

from hypothesis import settings

# pytester runs the plugin's own tests as a downstream project would (tests/integration/
# test_pytest_plugin.py).
pytest_plugins = ("pytester",)

# Machines here are shared and noisy: a per-example deadline measures the neighbours, not the
# code. Property tests keep their own example counts; none is bounded by wall time.
settings.register_profile("datacity", deadline=None, print_blob=True)
settings.load_profile("datacity")
