"""Shared test settings: hypothesis profiles suited to JAX (compilation per shape is slow)."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "jax", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=25
)
settings.load_profile("jax")
