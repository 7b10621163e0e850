# Two commands do everything (README.md):  make run  — set up and run the main job locally;
#                                          make test — every check: lint, types, template, Rust, tests.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
CARGO_MANIFEST := rust_lambda/Cargo.toml

.PHONY: setup system-deps run test lint types template-check rust-check pytest fuzz clean

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

test: setup system-deps lint types template-check rust-check pytest fuzz

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

# pytest exits 5 when it collected no test: that must fail, never pass as green.
pytest:
	$(BIN)/pytest tests -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

# The fuzzing tier (schemathesis from the OpenAPI document) on a local stack of its own, bounded
# in examples per operation; `pytest tests` skips it.
fuzz:
	$(BIN)/pytest tests/fuzz -m fuzz -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "the fuzzing tier collected no tests" >&2; exit 1; fi; exit $$rc

# `sam build` of the Rust execute_order function for AWS, x86_64 and arm64 (rust_lambda/sam-build.yaml
# says why it has its own template). Not part of `make test`: cargo-lambda cross-compiles with zig,
# 3 to 7 minutes per architecture on 2 cores. SAM, cargo-lambda and zig come from PyPI into a venv
# of their own, so the project's venv does not carry SAM's dependencies. Artifacts: .aws-sam/rust/.
SAM_VENV := $(VENV)-sam
.PHONY: sam-build-rust
sam-build-rust:
	test -x $(SAM_VENV)/bin/sam || { $(PYTHON) -m venv $(SAM_VENV) && \
	  $(SAM_VENV)/bin/pip install --quiet aws-sam-cli cargo-lambda ziglang; }
	cd rust_lambda && PATH="$(abspath $(SAM_VENV))/bin:$$PATH" SAM_CLI_TELEMETRY=0 \
	  sam build --beta-features --template sam-build.yaml --build-dir ../.aws-sam/rust --cache-dir ../.aws-sam/rust-cache

clean:
	rm -rf $(VENV) .fks .mypy_cache .ruff_cache rust_lambda/target
