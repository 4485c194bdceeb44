# ucwa-mock: `make run` and `make test` set up a fresh Debian 12 machine, build and go.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
ARGS ?=
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test docker docker-test clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/ucwa-mock $(ARGS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

docker:
	@scripts/docker.sh

docker-test:
	@scripts/docker-test.sh

clean:
	rm -rf $(BUILD_DIR)
