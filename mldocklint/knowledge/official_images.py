"""Docker Official Images: the repositories Docker Hub serves without a namespace (`python`,
`ubuntu`, `postgres`). A base image named without a registry and a namespace that is not one
of these cannot be pulled from Docker Hub: it is an image built locally, often by another
Dockerfile of the same repository (ML203).

Source: the `library/` file list of https://github.com/docker-library/official-images at
commit 37079fb336f572a88700cf32e5e1f6be54a04e8f (2026-08-21): one file per current image
(`git ls-tree --name-only HEAD library/`), plus the names deleted from `library/` in its
history (deprecated images whose tags Docker Hub still serves, such as `centos` and `java`:
`git log --diff-filter=D --name-only -- library/`). Checked 2026-11-29.
"""

CURRENT = frozenset(
    """
    adminer aerospike almalinux alpine alt amazoncorretto amazonlinux api-firewall arangodb
    archlinux azul-zulu backdrop bash bonita buildpack-deps busybox caddy cassandra chronograf
    cirros clearlinux clefos clickhouse clojure composer convertigo couchbase couchdb crate dart
    debian docker drupal eclipse-mosquitto eclipse-temurin eggdrop elasticsearch elixir emqx
    erlang espocrm fedora flink fluentd friendica gazebo gcc geonetwork ghost golang gradle
    groovy haproxy haskell haxe hello-world hitch httpd hylang ibm-semeru-runtimes ibmjava
    influxdb irssi jetty joomla jruby julia kapacitor kibana kong krakend lightstreamer
    liquibase logstash mageia mariadb matomo maven mediawiki memcached mongo mongo-express
    monica mysql nats neo4j neurodebian nextcloud nginx nim node notary odoo open-liberty
    openjdk oraclelinux orientdb percona perl photon php php-zendserver phpmyadmin plone
    postfixadmin postgres pypy python r-base rabbitmq rakudo-star redis redmine registry
    rethinkdb rocket.chat rockylinux ros ruby rust sapmachine satosa silverpeas solr sonarqube
    spark spiped storm swift swipl teamspeak telegraf tomcat tomee traefik ubuntu unit varnish
    websphere-liberty wordpress xwiki yourls znc zookeeper
    """.split()
)

DEPRECATED = frozenset(
    """
    adoptopenjdk celery centos consul couchdb-nouveau crux django docker-dev euleros express-
    gateway fsharp glassfish hello-seattle hipache hola-mundo iojs java jenkins jobber kaazing-
    gateway lightstreamer-server mono mosquitto nats-streaming notary-server notary-signer nuxeo
    opensuse owncloud piwik rails rapidoid sentry sl sourcemage swarm thrift ubuntu-debootstrap
    ubuntu-upstart vault zend-php
    """.split()
)

OFFICIAL_IMAGES = CURRENT | DEPRECATED | {"scratch"}  # scratch: the empty image, reserved by Docker
