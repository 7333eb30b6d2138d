"""allauth's OpenID Connect URLs with the adapter of parents/oidc.py (allauth's own views build
its base adapter class directly, so the provider's ``oauth2_adapter_class`` alone is not used)."""
