# Thin wrappers over the npm scripts, so `make <target>` and `npm run <script>` do the same thing.
.PHONY: install generate check-generated build typecheck lint test demo bench clean

install:
	npm ci

generate:
	npm run generate

check-generated:
	npm run check:generated

build:
	npm run build

typecheck:
	npm run typecheck

lint:
	npm run lint

test:
	npm test

demo:
	npm run demo

bench:
	npm run bench

clean:
	rm -rf dist coverage
