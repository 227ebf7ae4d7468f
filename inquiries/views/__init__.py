"""Server-rendered pages, split by resource: dashboard, inquiries, actions, backlog, public pages."""
