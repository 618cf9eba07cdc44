"""The API clients' door (REST, v1): a thin layer of DRF views and serializers over the services."""
