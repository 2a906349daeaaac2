# SPDX-License-Identifier: BSD-2-Clause
#
# userland/services/services.mk - included by userland/build.mk: the RPC
# headers generated from the interface descriptions (scripts/rpcgen.py) and
# the first user-space services (docs/design/services.md), static musl
# programs linked with libmatrioska and the RPC runtime:
#
#   $(O)/userland/root/sbin/svcbox  one multi-call binary (svcbox.c), linked as
#                                 sbin/nameserver, sbin/logd, bin/logctl and
#                                 bin/ipcstat; the tree is laid over the
#                                 initramfs (MKINITRAMFS_EXTRA, scripts/mkinitramfs.sh)
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
SVC_BINS := $(SVC_ROOT)/sbin/svcbox $(UL_OUT)/tests/svctest

$(SVC_GEN)/%_rpc.h: $(SVC_DIR)/%.rpc scripts/rpcgen.py
	@mkdir -p $(dir $@)
	$(call say,RPCGEN,$@)
	$(Q)$(PYTHON) scripts/rpcgen.py $< $@

SVC_PROGS := nameserver logd logctl ipcstat
SVC_SRCS := $(SVC_DIR)/svcbox.c $(patsubst %,$(SVC_DIR)/%.c,$(SVC_PROGS)) $(SVC_DIR)/rpc.c \
	$(SVC_DIR)/rpc_msg.c

# One stripped multi-call binary (svcbox.c) and its names.
$(SVC_ROOT)/sbin/svcbox: $(SVC_SRCS) $(SVC_DIR)/svcbox.h $(SVC_DEPS)
	$(ul_need_musl)
	@mkdir -p $(SVC_ROOT)/sbin $(SVC_ROOT)/bin
	$(call say,MUSLCC,$@)
	$(Q)$(MUSL_CC) $(MUSL_CFLAGS) -s $(SVC_CFLAGS) -o $@ $(SVC_SRCS) $(LIBMATRIOSKA)
	$(Q)ln -sf svcbox $(SVC_ROOT)/sbin/nameserver && ln -sf svcbox $(SVC_ROOT)/sbin/logd && \
		ln -sf ../sbin/svcbox $(SVC_ROOT)/bin/logctl && ln -sf ../sbin/svcbox $(SVC_ROOT)/bin/ipcstat

$(UL_OUT)/tests/svctest: $(SVC_DIR)/svctest.c $(SVC_DIR)/rpc.c $(SVC_DIR)/rpc_msg.c $(SVC_DEPS)
	$(ul_need_musl)
	@mkdir -p $(dir $@)
	$(call say,MUSLCC,$@)
	$(Q)$(MUSL_CC) $(MUSL_CFLAGS) $(SVC_CFLAGS) -o $@ $< $(SVC_DIR)/rpc.c $(SVC_DIR)/rpc_msg.c \
		$(LIBMATRIOSKA)

$(O)/initramfs.cpio: $(SVC_BINS)
$(O)/initramfs.cpio: export MKINITRAMFS_EXTRA := $(SVC_ROOT)
