# Sourced by the installers (scripts/n8n-runtime/install.sh, scripts/local-registry/install.sh).
# npm exports its configuration to every script it runs. The repo's .npmrc has ignore-scripts=true,
# so under `npm test` or `npm run …` a nested `npm ci` or `npm rebuild` would silently skip every
# install script. Drop what npm handed down, keeping the few settings that say where the registry
# and its cache are; the user's own npmrc files still apply.
for v in $(compgen -e); do
  case "${v,,}" in
    npm_config_registry | npm_config_cache | npm_config_userconfig | npm_config_globalconfig | npm_config_cafile | npm_config_*proxy | npm_config_strict_ssl) ;;
    npm_config_* | npm_package_* | npm_lifecycle_* | npm_execpath | npm_node_execpath | npm_command) unset "$v" ;;
  esac
done
unset v
