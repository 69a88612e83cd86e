"""Admin views of the plugin."""
