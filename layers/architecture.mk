# The Lambda architecture (x86_64 or arm64) a layer is built for, included by every layer's Makefile.
# SAM hands a layer's Makefile only ARTIFACTS_DIR, but runs make in the layer's Metadata
# WorkingDirectory, which template.yaml sets to infra/sam/arch/${LambdaArchitecture}: the folder's
# name is the architecture the functions are built for (`sam build --parameter-overrides
# LambdaArchitecture=arm64`). By hand: make -f layers/core/Makefile build-CoreLayer LAMBDA_ARCHITECTURE=arm64 ...
# (not from the environment, so a stray variable cannot build one layer for another architecture).
LAMBDA_ARCHITECTURE := $(notdir $(CURDIR))
ifeq ($(filter x86_64 arm64,$(LAMBDA_ARCHITECTURE)),)
$(error layers are built for x86_64 or arm64: run by sam build (template.yaml's WorkingDirectory) or pass LAMBDA_ARCHITECTURE=x86_64|arm64, not "$(LAMBDA_ARCHITECTURE)")
endif
