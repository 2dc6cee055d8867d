"""Deployment checks of our own (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

#: Cache backends every worker process shares (so limits count across workers).
SHARED_CACHE_BACKENDS = (
    "django.core.cache.backends.redis.RedisCache",
    "django_redis.cache.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
)


@register(Tags.security, Tags.caches, deploy=True)
def shared_cache_for_rate_limits(app_configs, **kwargs):
    """Rate limits (per address and per file number) count in the cache: a cache in each
    worker's memory would let every worker admit the full limit (three gunicorn workers,
    three times the guesses)."""
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if backend in SHARED_CACHE_BACKENDS:
        return []
    return [
        Error(
            f"The cache '{alias}' ({backend or 'missing'}) is not shared between worker "
            "processes, so the rate limits on file numbers, birth dates and applications "
            "would count per process.",
            hint="Set REDIS_URL (e.g. redis://redis.internal:6379/0) in production.",
            id="abh.E001",
        )
    ]
