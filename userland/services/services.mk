# SPDX-License-Identifier: BSD-2-Clause
#
# userland/services/services.mk - included by userland/build.mk: the RPC
# headers generated from the interface descriptions (scripts/rpcgen.py) and
# the first user-space services (docs/design/services.md), static musl
# programs linked with libmatrioska and the RPC runtime:
#
#   $(O)/userland/root/sbin/nameserver, sbin/logd, bin/logctl, bin/ipcstat
#                                 copied into the initramfs as they lie
#                                 (MKINITRAMFS_EXTRA, scripts/mkinitramfs.sh)
#   $(O)/userland/tests/svctest   the services' test program
#   $(O)/userland/services/gen/*_rpc.h   generated stubs and dispatchers

SVC_DIR := userland/services
SVC_GEN := $(UL_OUT)/services/gen
SVC_RPCS := $(wildcard $(SVC_DIR)/*.rpc)
SVC_RPC_HDRS := $(patsubst $(SVC_DIR)/%.rpc,$(SVC_GEN)/%_rpc.h,$(SVC_RPCS))
SVC_ROOT := $(UL_OUT)/root
SVC_CFLAGS := $(LIBM_CFLAGS) -I$(SVC_DIR) -I$(SVC_GEN)
SVC_DEPS := $(SVC_DIR)/rpc.c $(SVC_DIR)/rpc_msg.c $(SVC_DIR)/rpc.h $(SVC_RPC_HDRS) $(LIBMATRIOSKA) $(LIBM_HDRS) \
	$(SVC_DIR)/services.mk
SVC_BINS := $(SVC_ROOT)/sbin/nameserver $(SVC_ROOT)/sbin/logd $(SVC_ROOT)/bin/logctl \
	$(SVC_ROOT)/bin/ipcstat $(UL_OUT)/tests/svctest

$(SVC_GEN)/%_rpc.h: $(SVC_DIR)/%.rpc scripts/rpcgen.py
	@mkdir -p $(dir $@)
	$(call say,RPCGEN,$@)
	$(Q)$(PYTHON) scripts/rpcgen.py $< $@

# $(1): output, $(2): main source.
define svc_prog
$(1): $(2) $$(SVC_DEPS)
	$$(ul_need_musl)
	@mkdir -p $$(dir $$@)
	$$(call say,MUSLCC,$$@)
	$$(Q)$$(MUSL_CC) $$(MUSL_CFLAGS) $$(SVC_CFLAGS) -o $$@ $(2) $$(SVC_DIR)/rpc.c $$(SVC_DIR)/rpc_msg.c $$(LIBMATRIOSKA)
endef
$(eval $(call svc_prog,$(SVC_ROOT)/sbin/nameserver,$(SVC_DIR)/nameserver.c))
$(eval $(call svc_prog,$(SVC_ROOT)/sbin/logd,$(SVC_DIR)/logd.c))
$(eval $(call svc_prog,$(SVC_ROOT)/bin/logctl,$(SVC_DIR)/logctl.c))
$(eval $(call svc_prog,$(SVC_ROOT)/bin/ipcstat,$(SVC_DIR)/ipcstat.c))
$(eval $(call svc_prog,$(UL_OUT)/tests/svctest,$(SVC_DIR)/svctest.c))

$(O)/initramfs.cpio: $(SVC_BINS)
$(O)/initramfs.cpio: export MKINITRAMFS_EXTRA := $(SVC_ROOT)
