"""The composition root, at the top of the layers: the URL root, the API's URL root and the demo seed."""
