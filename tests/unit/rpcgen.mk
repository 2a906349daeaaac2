# SPDX-License-Identifier: BSD-2-Clause
# The RPC generator (scripts/rpcgen.py): its refusals of bad descriptions
# (--self-test, run when the test's header is made) and the code it writes
# for tests/unit/rpctest.rpc, driven through a loopback that plays the
# kernel's part (tests/unit/test_rpcgen.c) with the runtime's message
# helpers (userland/services/rpc_msg.c).
UNIT_TESTS += rpcgen
unit_rpcgen_SRCS := userland/services/rpc_msg.c
unit_rpcgen_CFLAGS := -iquote userland/services -iquote userland/lib/libmatrioska -Iabi \
	-iquote $(O)/unit/gen -DRPC_CALL=rt_loopback_call

$(O)/unit/gen/rpctest_rpc.h: tests/unit/rpctest.rpc scripts/rpcgen.py
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) scripts/rpcgen.py --self-test
	$(Q)$(PYTHON) scripts/rpcgen.py $< $@

$(O)/unit/test_rpcgen: $(O)/unit/gen/rpctest_rpc.h userland/services/rpc.h
