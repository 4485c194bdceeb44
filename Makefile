# ucwa-mock: `make run` and `make test` set up a fresh Debian 12 machine, build and go.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
ARGS ?=
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 60
# What only the tests need beyond the build's packages: jsonschema checks the admin answers against docs/openapi.yaml.
TEST_PACKAGES = python3-jsonschema

.PHONY: all deps browser-deps configure build run test test-asan test-tsan fuzz bench callgrind soak-hostile docker docker-test format format-check tidy clean

all: build

deps:
	@scripts/install-deps.sh

# Only the tests need these (Chromium, Node.js, playwright-core for tests/browser); `make run` does not.
browser-deps:
	@scripts/install-browser-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/ucwa-mock $(ARGS)

# The browser test's set-up goes first, so the configure step finds it and registers the test.
test:
	@scripts/install-deps.sh $(TEST_PACKAGES)
	@scripts/install-browser-deps.sh
	@$(MAKE) --no-print-directory build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# The whole suite under sanitizers, each in its own build folder.
test-asan: deps
	@scripts/install-deps.sh $(TEST_PACKAGES)
	@scripts/install-browser-deps.sh
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DUCWA_MOCK_SANITIZE=address,undefined $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir build-asan --output-on-failure -j $(JOBS)

test-tsan: deps
	@scripts/install-deps.sh $(TEST_PACKAGES)
	@scripts/install-browser-deps.sh
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DUCWA_MOCK_SANITIZE=thread $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-tsan -j $(JOBS)
	TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan --output-on-failure -j $(JOBS)

# libFuzzer targets (clang, ASan + UBSan) in build-fuzz/: the regressions, then FUZZ_SECONDS per target.
fuzz:
	@scripts/fuzz.sh $(FUZZ_SECONDS)

bench:
	@scripts/bench.sh

# Instructions per JSON and XML startMessaging and per health request, one I/O thread (valgrind).
callgrind:
	@scripts/callgrind.sh

# One release mock under issue 14's hostile clients for SOAK_SECONDS (180); fails on a missed
# health check (200 ms period, 2 s deadline) or RSS over SOAK_RSS_LIMIT_MB (512).
soak-hostile:
	@scripts/soak-hostile.sh

docker:
	@scripts/docker.sh

docker-test:
	@scripts/docker-test.sh

# The C++ sources as .clang-format lays them out (clang-format 14, Debian's clang-format).
CXX_SOURCES = $(shell git ls-files 'server/*.cpp' 'server/*.hpp' 'tests/*.cpp' 'tests/*.hpp')

format:
	@scripts/install-deps.sh clang-format
	clang-format -i $(CXX_SOURCES)

format-check:
	@scripts/install-deps.sh clang-format
	clang-format --dry-run --Werror $(CXX_SOURCES)

# .clang-tidy's checks over every server source (needs a configured build for compile_commands.json).
tidy: configure
	@scripts/install-deps.sh clang-tidy
	run-clang-tidy -quiet -p $(BUILD_DIR) -j $(JOBS) -extra-arg=-Wno-ambiguous-reversed-operator '$(CURDIR)/server/'

clean:
	rm -rf $(BUILD_DIR)
