"""The local stack: template.yaml on an embedded moto server, with the functions' real handlers."""
