"""The channels: each renders the core's replies for one kind of client (the JSON API, the web
widget, Slack, the curator's admin page) and none imports another. What they share (the JSON
error body, reading a JSON request) lives in `errors` and `requests`."""
