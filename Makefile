# Two commands do everything (README.md):  make run  — set up and run the main job locally;
#                                          make test — every check: lint, types, template, Rust, tests.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
CARGO_MANIFEST := rust_lambda/Cargo.toml

.PHONY: setup system-deps run test lint types template-check rust-check pytest fuzz chaos clean

setup: $(VENV)/.installed
	cargo build --release --quiet --manifest-path $(CARGO_MANIFEST) -p execute_order

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet -e rust_lambda/crates/fks_execution_py
	touch $@

# Debian packages the tests need: mono's C# compiler checks the NinjaScript sources; Chromium and
# its driver run the dashboard's browser tests (a test tool's own browser download fails here).
SYSTEM_PACKAGES := mono-mcs chromium chromium-driver
system-deps:
	@command -v mcs >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; }

run: setup
	$(BIN)/fks demo

# The test tiers run in three lanes side by side (infra/ci/lanes.sh says why): the moto target's
# whole suite, the emulators' tiers (MiniStack's whole integration and e2e tiers, LocalStack's),
# and the fuzzing then the chaos tier; their tools and the build are made first, so the lanes only
# read them. Measured with two lanes (2026-12-06, load 4 to 5): 30 min wall for 19.5 min of CPU.
test: setup system-deps lint types template-check rust-check sam-check sam-arm64-check second-target-tools localstack-tools
	MAKE="$(MAKE)" infra/ci/lanes.sh "pytest-built" "test-targets" "fuzz chaos"

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types:
	$(BIN)/mypy

template-check:
	$(BIN)/cfn-lint template.yaml

rust-check:
	@if [ -f $(CARGO_MANIFEST) ]; then \
	  cargo fmt --manifest-path $(CARGO_MANIFEST) --all -- --check && \
	  cargo clippy --manifest-path $(CARGO_MANIFEST) --all-targets --quiet -- -D warnings && \
	  cargo test --manifest-path $(CARGO_MANIFEST) --quiet; \
	fi

# pytest exits 5 when it collected no test: that must fail, never pass as green. A failed test is
# run once more: integration tests share one local stack on two cores, and a cold start past the
# emulated 10 s init limit under load is not a product failure; a test that fails twice fails the run
# (the summary lists every rerun, so a flaky test stays visible).
PYTEST_TIERS = $(BIN)/pytest tests -q -p no:cacheprovider --reruns 1 --reruns-delay 5; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

# `make test`'s run: the local stack deploys what `sam build` built (sam-check's build, not a second
# one) and runs it as Lambda does: Python 3.12 isolated, each function's built folder and its layers,
# the runtime's boto3, the AWS SDK for pandas stand-in, nothing from the dev venv (a module a layer
# lacks fails with Runtime.ImportModuleError; docs/deploy.md). Measured on this 2-core machine shared
# by other jobs (load 12-18), each file both ways back to back: test_api_auth 143 s built, 137 s from
# the source tree (+4 %); test_sample_events, which cold-starts every function, 360 s and 297 s
# (+21 %; +50 % before built layers were zipped once per process and unpacked once per machine).
pytest: sam-check
	$(MAKE) --no-print-directory pytest-built

# The same on the build there is (`make test`'s lane: sam-check ran before the lanes started).
.PHONY: pytest-built
pytest-built:
	FKS_LOCAL_BUILD_DIR=$(SAM_BUILD_DIR) \
	FKS_LOCAL_LAMBDA_PYTHON="$$($(CURDIR)/infra/sam/python312.sh $(SAM_VENV))/python3.12" \
	FKS_LOCAL_LAMBDA_RUNTIME_PATHS=$(LAMBDA_RUNTIME_DIR):$(PANDAS_STANDIN_DIR) \
	$(PYTEST_TIERS)

# The developer's fast loop: the stack runs the source tree on the dev venv's interpreter and
# packages (no `sam build` after each edit); what AWS runs is checked by `make pytest`.
.PHONY: pytest-source
pytest-source:
	$(PYTEST_TIERS)

# The fuzzing tier (schemathesis from the OpenAPI document) on a local stack of its own, bounded
# in examples per operation; `pytest tests` skips it.
fuzz:
	$(BIN)/pytest tests/fuzz -m fuzz -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "the fuzzing tier collected no tests" >&2; exit 1; fi; exit $$rc

# The chaos tier: seeded faults on a local stack of its own for FKS_CHAOS_SECONDS (default 120),
# FKS_CHAOS_SEED picks the schedule; then the invariants, with the counts printed; `pytest tests`
# skips it.
chaos:
	$(BIN)/pytest tests/chaos -m chaos -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "the chaos tier collected no tests" >&2; exit 1; fi; exit $$rc

# ---- the build AWS gets (issue 18): `sam build` of the whole template, as `sam deploy` ships it.
# SAM, cargo-lambda (the Rust function, cross-compiled with zig) and uv come from PyPI into a venv
# of their own, so the project's venv does not carry SAM's dependencies. The Python functions and
# layers build with Python 3.12, the Lambda runtime's: infra/sam/python312.sh finds or installs
# it (PATH, pyenv, uv). The layers' own Makefiles (layers/*/Makefile) trim them and compile them.
SAM_VENV      := $(VENV)-sam
SAM_BUILD_DIR := .aws-sam/build
SAM_ENV        = PATH="$(abspath $(SAM_VENV))/bin:$$($(CURDIR)/infra/sam/python312.sh $(SAM_VENV)):$$PATH" \
                 SAM_CLI_TELEMETRY=0 PIP_ROOT_USER_ACTION=ignore
# What a built function imports against in `sam-imports`: the python3.12 runtime's boto3, and a
# stand-in of the AWS SDK for pandas layer from its published versions (aws-sdk-pandas 3.17.0,
# pyarrow 24; PyPI's pyarrow has zstd, the layer's has not, so only the codec differs).
LAMBDA_RUNTIME_DIR := $(SAM_VENV)/lambda-runtime
PANDAS_STANDIN_DIR := $(SAM_VENV)/aws-sdk-pandas-standin
.PHONY: sam-tools sam-build sam-sizes sam-imports sam-check sam-build-rust

sam-tools: $(SAM_VENV)/.installed
$(SAM_VENV)/.installed:
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet aws-sam-cli cargo-lambda ziglang uv
	touch $@

# sam validate --lint, then every function and layer; about 5 minutes on 2 cores (most of it the
# Rust function). Not --cached: its source hash walks rust_lambda/target, which cargo rewrites.
sam-build: $(SAM_VENV)/.installed
	$(SAM_ENV) sam validate --lint
	$(SAM_ENV) sam build --parallel --build-dir $(SAM_BUILD_DIR)

# Per function, unzipped code + layers against Lambda's 262,144,000 bytes; fails when one is over.
sam-sizes:
	$(PY) infra/sam/sizes.py $(SAM_BUILD_DIR)

$(SAM_VENV)/.import-deps: $(SAM_VENV)/.installed
	$(SAM_ENV) python3.12 -m pip install --quiet --target $(LAMBDA_RUNTIME_DIR) boto3
	$(SAM_ENV) python3.12 -m pip install --quiet --only-binary=:all: --target $(PANDAS_STANDIN_DIR) \
	  awswrangler==3.17.0 pyarrow==24.0.0
	touch $@

# Each built Python function imported in a clean Python 3.12 with only its folder and layers
# (Runtime.ImportModuleError in AWS is a failure here); prints the import time of each.
sam-imports: $(SAM_VENV)/.import-deps
	$(SAM_ENV) $(PY) infra/sam/imports.py $(SAM_BUILD_DIR) --runtime $(LAMBDA_RUNTIME_DIR) \
	  --pandas-layer $(PANDAS_STANDIN_DIR) --python python3.12

# In `make test`: the build, the imports, the sizes and the machine code's architecture, each a gate.
sam-check: sam-build sam-imports sam-sizes sam-architecture

# ---- arm64 (Graviton; template.yaml's LambdaArchitecture, docs/deploy.md). No arm64 machine here:
# infra/sam/architecture.py reads the ELF header of every compiled file of a build and fails on any
# that is not the architecture's (the Rust function, the core layer's Rust bindings, pip's wheels).
SAM_ARM64_DIR := .aws-sam/arm64
.PHONY: sam-architecture sam-arm64-check sam-build-arm64

# The default build (sam-build's) is x86_64 code throughout.
sam-architecture:
	$(PY) infra/sam/architecture.py $(SAM_BUILD_DIR) x86_64 --require CoreLayer --require ExecuteOrderFunction

# In `make test`, the cheap half of an arm64 build through sam build itself: the core layer (the
# Rust core's bindings, cross-compiled with zig) and the deps layer (pip's aarch64 wheels, stripped
# by llvm-strip), each checked aarch64. The Rust function's arm64 build (cargo-lambda, minutes of
# compiling the AWS SDK again) is sam-build-arm64's and sam-build-rust's.
sam-arm64-check: $(SAM_VENV)/.installed
	$(SAM_ENV) sam build CoreLayer --parameter-overrides LambdaArchitecture=arm64 --build-dir $(SAM_ARM64_DIR)/core
	$(SAM_ENV) sam build DepsLayer --parameter-overrides LambdaArchitecture=arm64 --build-dir $(SAM_ARM64_DIR)/deps
	$(PY) infra/sam/architecture.py $(SAM_ARM64_DIR)/core arm64 --require CoreLayer
	$(PY) infra/sam/architecture.py $(SAM_ARM64_DIR)/deps arm64 --require DepsLayer

# The whole template for arm64 into .aws-sam/arm64/build (what `sam deploy` ships with
# LambdaArchitecture=arm64): every compiled file aarch64, every function under Lambda's size limit.
sam-build-arm64: $(SAM_VENV)/.installed
	$(SAM_ENV) sam build --parallel --parameter-overrides LambdaArchitecture=arm64 --build-dir $(SAM_ARM64_DIR)/build
	$(PY) infra/sam/architecture.py $(SAM_ARM64_DIR)/build arm64 --require CoreLayer --require ExecuteOrderFunction
	$(PY) infra/sam/sizes.py $(SAM_ARM64_DIR)/build

# The Rust execute_order function alone for x86_64 and arm64 (rust_lambda/sam-build.yaml), into
# .aws-sam/rust/.
sam-build-rust: $(SAM_VENV)/.installed
	cd rust_lambda && $(SAM_ENV) \
	  sam build --beta-features --template sam-build.yaml --build-dir ../.aws-sam/rust --cache-dir ../.aws-sam/rust-cache

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .fks .mypy_cache .ruff_cache rust_lambda/target

# ---- the second target (issue 25, docs/second-target.md): MiniStack, a LocalStack-compatible
# emulator in Python with no Docker, on 127.0.0.1, the built template deployed into it by the SAM
# CLI itself. MiniStack lives in a Python 3.12 venv of its own (its interpreter runs the python3.12
# functions): with the python3.12 runtime's boto3 (at MiniStack's pinned botocore) and
# aws-sam-translator (MiniStack's CloudFormation applies the SAM transform with it, as AWS does).
MINISTACK_VENV    ?= $(VENV)-ministack
MINISTACK_VERSION := 1.5.33
.PHONY: second-target-tools test-second-target

# uv (in the SAM venv) resolves boto3 together with MiniStack's botocore and installs in about 4 s
# where pip took 36 s. --link-mode=copy: uv's default hard-links each file to its cache, so patching
# one venv's MiniStack would patch the cache and every other venv installed from it.
$(MINISTACK_VENV)/.installed: $(SAM_VENV)/.installed
	$(SAM_VENV)/bin/uv venv --quiet --seed --python "$$($(CURDIR)/infra/sam/python312.sh $(SAM_VENV))/python3.12" \
	  $(MINISTACK_VENV)
	$(SAM_VENV)/bin/uv pip install --quiet --link-mode=copy --python $(MINISTACK_VENV)/bin/python \
	  ministack==$(MINISTACK_VERSION) aws-sam-translator boto3
	$(MINISTACK_VENV)/bin/python infra/ministack/patch_ministack.py $(MINISTACK_VENV)
	touch $@

# The AWS SDK for pandas layer's stand-in (sam-imports' deps) zipped as a layer to publish.
$(MINISTACK_VENV)/aws-sdk-pandas-layer.zip: $(MINISTACK_VENV)/.installed $(SAM_VENV)/.import-deps
	$(PY) infra/ministack/pandas_layer.py $(PANDAS_STANDIN_DIR) $@

second-target-tools: setup $(MINISTACK_VENV)/aws-sdk-pandas-layer.zip
	@test -f $(SAM_BUILD_DIR)/template.yaml || $(MAKE) sam-build

# The chain on MiniStack: collection from the simulator, a signal, the pipeline, a filled order;
# and a quick selection of the integration tier on the same deployment (QUICK_SELECTION in
# tests/integration/targets.py). `make test-targets` runs the whole integration and e2e tiers there.
SECOND_TARGET_SELECTION = $(shell $(PY) -c 'from tests.integration.targets import QUICK_SELECTION as s; \
  print(" ".join("tests/integration/" + m for m in s))' 2>/dev/null)
test-second-target: second-target-tools
	FKS_TEST_TARGET=ministack $(BIN)/pytest tests/second_target $(SECOND_TARGET_SELECTION) -m second_target \
	  -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "the second target collected no tests" >&2; exit 1; fi; exit $$rc

# Lines of AWS emulation in fks_local per piece (Lambda runtime, gateways, schedules, SQS poller,
# alarm evaluator, deployer): at the revision issue 25 item 3 started from (c283580), before the
# SQS poller's deletion (61c9d93) and in the working tree.
EMULATION_BASELINE ?= c283580 61c9d93
.PHONY: emulation-lines
emulation-lines:
	$(PY) infra/local/emulation_lines.py $(EMULATION_BASELINE)

# ---- LocalStack itself (issue 25): localstack-core on the host, no Docker, for the adapter tier
# (S3 candle store, topics, queues, schedules, state machine definitions, secrets, metrics).
# Python 3.13 (it imports warnings.deprecated) and the pins it needs on the host; service_identity
# for its TLS-capable gateway. uv installs it in about 7 s from an empty cache (pip: 187 s warm).
LOCALSTACK_VENV ?= $(VENV)-localstack
.PHONY: localstack-tools test-localstack test-targets

$(LOCALSTACK_VENV)/.installed: $(SAM_VENV)/.installed
	$(SAM_VENV)/bin/uv venv --quiet --seed --python "$$($(CURDIR)/infra/localstack/python313.sh $(SAM_VENV))/python3.13" \
	  $(LOCALSTACK_VENV)
	$(SAM_VENV)/bin/uv pip install --quiet --python $(LOCALSTACK_VENV)/bin/python \
	  "localstack-core[runtime]==2026.3.0" service_identity "cbor2<5.7" "pyOpenSSL==24.2.1" "cryptography==43.0.3"
	touch $@

localstack-tools: setup $(LOCALSTACK_VENV)/.installed

test-localstack: localstack-tools
	$(BIN)/pytest tests/localstack -m localstack -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "the LocalStack tier collected no tests" >&2; exit 1; fi; exit $$rc

# In `make test`: both emulators' tiers in one pytest process, LocalStack's first. Its schedule
# test's rule is made when LocalStack starts and checked last (tests/localstack/conftest.py), so the
# minute the rule takes to fire passes while MiniStack's tier runs instead of being waited out.
# On MiniStack: the chain, then the whole integration and e2e tiers on the same deployment (what
# cannot run there skipped with its reason, tests/integration/targets.py). A failed test is run once
# more, as in `make pytest`: the tier's Lambda workers cold-start on two cores.
test-targets: second-target-tools localstack-tools
	FKS_TEST_TARGET=ministack $(BIN)/pytest tests/localstack tests/second_target tests/integration tests/e2e \
	  -m "localstack or second_target" -q -p no:cacheprovider --reruns 1 --reruns-delay 5; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "the emulator tiers collected no tests" >&2; exit 1; fi; exit $$rc
