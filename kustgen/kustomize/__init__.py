"""The embedded Kustomize engine: load -> accumulate -> transform -> finish, like `kustomize build`."""
