"""The web app: gateway, console and JSON API (grows with the channel and console issues)."""
