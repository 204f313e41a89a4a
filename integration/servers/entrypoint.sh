#!/bin/sh
# An entrypoint as many images have one: a background worker (testapp
# standing in for a queue consumer: on SIGTERM it finishes its job in hand,
# one second, then exits 7), then exec, so that the server replaces the
# shell and becomes pidone's child.
testapp slow-term 1 7 &
exec nginx -c /etc/nginx/servers.conf
