#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""rpcgen.py - the RPC generator of Matrioska OS (docs/api/rpc.md).

Reads a tiny interface description (userland/services/*.rpc) and writes one
C header with, for every method, a client stub (a typed call over an
endpoint) and a server dispatcher that decodes a received call, runs the
server's handler and encodes the reply. The runtime under both is
userland/services/rpc.h (the thread's IPC buffer, the serve loop).

Description syntax, one declaration per line, '#' starts a comment:

    interface PREFIX
    method NUMBER NAME(IN, ...) -> (OUT, ...)

NUMBER is 1..65535 (0 is reserved), unique. IN parameters are
`u64 NAME`, `str NAME` or `cap(RIGHTS) NAME`; OUT parameters the same.
RIGHTS is a comma-separated subset of read write map grant send recv
manage dup: the rights the receiving side gets (the handle sent must hold
them and GRANT). At most 4 u64 in, 3 u64 out, 4 caps each way; strings
share the 4096-byte long part.

Wire format: the method number is the info word's label; u64 arguments
travel in the message words in order; strings are packed NUL-terminated,
in order, in the long part; caps in the IPC buffer's handle slots. The
reply's label is 0, word 0 is the handler's result (>= 0, or -errno) and
words 1..3 the u64 results.

Usage: rpcgen.py IN.rpc OUT.h
       rpcgen.py --self-test     (descriptions that must be refused are)
"""
import os
import re
import sys

RIGHTS = {
    "read": "M_R_READ",
    "write": "M_R_WRITE",
    "map": "M_R_MAP",
    "grant": "M_R_GRANT",
    "send": "M_R_SEND",
    "recv": "M_R_RECV",
    "manage": "M_R_MANAGE",
    "dup": "M_R_DUP",
}
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
C_KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
    "typedef", "union", "unsigned", "void", "volatile", "while", "ctx", "badge",
}


class RpcError(Exception):
    pass


class Param:
    def __init__(self, kind, name, rights):
        self.kind = kind  # "u64", "str", "cap"
        self.name = name
        self.rights = rights  # list of M_R_* for caps


class Method:
    def __init__(self, number, name, ins, outs):
        self.number = number
        self.name = name
        self.ins = ins
        self.outs = outs


def parse_param(text, lineno):
    m = re.fullmatch(r"\s*(u64|str|cap)\s*(?:\(([^)]*)\))?\s+(" + IDENT + r")\s*", text)
    if not m:
        raise RpcError(f"line {lineno}: bad parameter '{text.strip()}'")
    kind, rights_text, name = m.group(1), m.group(2), m.group(3)
    if name in C_KEYWORDS or name.startswith("rpc_"):
        raise RpcError(f"line {lineno}: parameter name '{name}' is reserved")
    rights = []
    if rights_text is not None:
        if kind != "cap":
            raise RpcError(f"line {lineno}: only cap parameters take rights")
        for r in rights_text.split(","):
            r = r.strip()
            if r not in RIGHTS:
                raise RpcError(f"line {lineno}: unknown right '{r}'")
            rights.append(RIGHTS[r])
    elif kind == "cap":
        raise RpcError(f"line {lineno}: cap parameter '{name}' needs its rights: cap(send) {name}")
    return Param(kind, name, rights)


def parse_list(text, lineno):
    text = text.strip()
    if not text:
        return []
    return [parse_param(p, lineno) for p in split_params(text)]


def split_params(text):
    """Split on commas that are not inside cap(...)."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


def parse(text):
    prefix = None
    methods = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"interface\s+(" + IDENT + r")", line)
        if m:
            if prefix is not None:
                raise RpcError(f"line {lineno}: second interface line")
            prefix = m.group(1)
            continue
        m = re.fullmatch(r"method\s+(\d+)\s+(" + IDENT + r")\s*\((.*?)\)\s*->\s*\((.*)\)", line)
        if not m:
            raise RpcError(f"line {lineno}: cannot parse '{line}'")
        if prefix is None:
            raise RpcError(f"line {lineno}: method before the interface line")
        number, name = int(m.group(1)), m.group(2)
        ins, outs = parse_list(m.group(3), lineno), parse_list(m.group(4), lineno)
        if not 1 <= number <= 65535:
            raise RpcError(f"line {lineno}: method number {number} not in 1..65535")
        if any(x.number == number for x in methods):
            raise RpcError(f"line {lineno}: method number {number} used twice")
        if any(x.name == name for x in methods) or name in C_KEYWORDS:
            raise RpcError(f"line {lineno}: method name '{name}' used twice or reserved")
        names = [p.name for p in ins + outs]
        names += [p.name + "_size" for p in outs if p.kind == "str"]
        if len(set(names)) != len(names):
            raise RpcError(f"line {lineno}: a parameter name is used twice")
        count = lambda ps, k: sum(1 for p in ps if p.kind == k)
        if count(ins, "u64") > 4 or count(outs, "u64") > 3:
            raise RpcError(f"line {lineno}: too many u64 parameters (4 in, 3 out)")
        if count(ins, "cap") > 4 or count(outs, "cap") > 4:
            raise RpcError(f"line {lineno}: too many cap parameters (4 each way)")
        methods.append(Method(number, name, ins, outs))
    if prefix is None:
        raise RpcError("no interface line")
    if not methods:
        raise RpcError("no methods")
    return prefix, methods


def rights_expr(p):
    return " | ".join(p.rights)


def c_in(p):
    return {"u64": f"uint64_t {p.name}", "str": f"const char *{p.name}", "cap": f"int {p.name}"}[p.kind]


def c_out(p):
    if p.kind == "str":
        return [f"char *{p.name}", f"size_t {p.name}_size"]
    return [{"u64": f"uint64_t *{p.name}", "cap": f"int *{p.name}"}[p.kind]]


def client_proto(prefix, m):
    args = ["int rpc_h", "uint64_t rpc_timeout"] + [c_in(p) for p in m.ins]
    for p in m.outs:
        args += c_out(p)
    return f"static inline long {prefix}_{m.name}({', '.join(args)})"


def handler_proto(m):
    args = ["void *ctx", "uint64_t badge"] + [c_in(p) for p in m.ins]
    for p in m.outs:
        args += c_out(p)
    return f"long (*{m.name})({', '.join(args)})"


def put_params(params, out, indent, words, first_word, ncaps, put_str):
    """The lines that put params into a message: u64s into words[first_word..],
    caps into the IPC buffer's slots counted by the variable ncaps, and
    strings by the lines put_str(param) returns (a call and a reply differ)."""
    w = first_word
    for p in params:
        if p.kind == "u64":
            out.append(f"{indent}{words}[{w}] = {p.name};")
            w += 1
        elif p.kind == "str":
            out.extend(put_str(p))
        else:
            out.append(f"{indent}rpc_b->caps[{ncaps}] = (uint32_t){p.name};")
            out.append(f"{indent}rpc_b->cap_rights[{ncaps}++] = {rights_expr(p)};")


# Generated code names its own variables rpc_*; parameters may not (parse()).
def gen_client(prefix, m, out):
    ncap_out = sum(1 for p in m.outs if p.kind == "cap")
    out.append(f"/* Method {m.number}: {m.name}. */")
    out.append(client_proto(prefix, m))
    out.append("{")
    out.append("\tstruct m_ipc_buffer *rpc_b = rpc_buffer();")
    out.append("\tstruct m_msg rpc_msg = {0};")
    out.append("\tsize_t rpc_len = 0;")
    out.append("\tunsigned int rpc_ncaps = 0, rpc_rcaps;")
    out.append("\tlong rpc_r;")
    out.append("")
    out.append("\tif (!rpc_b)")
    out.append("\t\treturn -ENOMEM;")
    put_params(m.ins, out, "\t", "rpc_msg.w", 0, "rpc_ncaps",
               lambda p: [f"\tif (rpc_put_str(rpc_b, &rpc_len, {p.name}) < 0)", "\t\treturn -EMSGSIZE;"])
    out.append(f"\trpc_msg.info = M_INFO({m.number}, rpc_len, rpc_ncaps);")
    out.append("\trpc_r = RPC_CALL(rpc_h, &rpc_msg, rpc_timeout);")
    out.append("\tif (rpc_r < 0)")
    out.append("\t\treturn rpc_r;")
    out.append("\trpc_rcaps = M_INFO_CAPS(rpc_msg.info);")
    out.append("\trpc_r = (long)rpc_msg.w[0];")
    out.append(f"\tif (rpc_r >= 0 && (M_INFO_LABEL(rpc_msg.info) != 0 || rpc_rcaps != {ncap_out}))")
    out.append("\t\trpc_r = -EPROTO;")
    out.append("\tif (rpc_r < 0) {")
    out.append("\t\trpc_close_caps(rpc_b, rpc_rcaps);")
    out.append("\t\treturn rpc_r;")
    out.append("\t}")
    w, c = 1, 0
    if any(p.kind == "str" for p in m.outs):
        out.append("\trpc_len = 0;")
    for p in m.outs:
        if p.kind == "u64":
            out.append(f"\t*{p.name} = rpc_msg.w[{w}];")
            w += 1
        elif p.kind == "cap":
            out.append(f"\t*{p.name} = (int)rpc_b->caps[{c}];")
            c += 1
        else:
            out.append(f"\tif (rpc_get_str(rpc_b, M_INFO_LEN(rpc_msg.info), &rpc_len, {p.name}, "
                       f"{p.name}_size) < 0) {{")
            # a malformed reply: the handles it brought are not the caller's to close
            out.append("\t\trpc_close_caps(rpc_b, rpc_rcaps);")
            out.append("\t\treturn -EPROTO;")
            out.append("\t}")
    out.append("\treturn rpc_r;")
    out.append("}")
    out.append("")


def gen_case(m, out):
    ncap_in = sum(1 for p in m.ins if p.kind == "cap")
    out.append(f"\tcase {m.number}: {{")
    w = 0
    for p in m.ins:
        if p.kind == "u64":
            out.append(f"\t\tuint64_t {p.name} = rpc_msg->w[{w}];")
            w += 1
        elif p.kind == "str":
            out.append(f"\t\tconst char *{p.name};")
        else:
            out.append(f"\t\tint {p.name};")
    for p in m.outs:
        out.append({"u64": f"\t\tuint64_t {p.name} = 0;",
                    "str": f"\t\tchar *{p.name} = (char *)rpc_b->data;",
                    "cap": f"\t\tint {p.name} = -1;"}[p.kind])
    out.append("")
    out.append(f"\t\tif (!rpc_ops->{m.name})")
    out.append("\t\t\tbreak;")
    out.append("\t\trpc_r = -EINVAL;")
    out.append(f"\t\tif (rpc_ncaps != {ncap_in})")
    out.append("\t\t\tbreak;")
    c = 0
    for p in m.ins:
        if p.kind == "str":
            out.append(f"\t\t{p.name} = rpc_take_str(rpc_in, rpc_in_len, &rpc_pos);")
            out.append(f"\t\tif (!{p.name})")
            out.append("\t\t\tbreak;")
        elif p.kind == "cap":
            out.append(f"\t\t{p.name} = (int)rpc_b->caps[{c}];")
            c += 1
    out.append("\t\trpc_ncaps = 0; /* the handler owns them now */")
    args = ["rpc_ctx", "rpc_badge"] + [p.name for p in m.ins]
    for p in m.outs:
        if p.kind == "str":
            args += [p.name, "M_MSG_MAX_DATA"]
        else:
            args.append("&" + p.name)
    out.append(f"\t\trpc_r = rpc_ops->{m.name}({', '.join(args)});")
    out.append("\t\tif (rpc_r < 0)")
    out.append("\t\t\tbreak;")
    put_params(m.outs, out, "\t\t", "rpc_msg->w", 1, "rpc_out_caps",
               lambda p: [f"\t\t{p.name}[M_MSG_MAX_DATA - 1] = '\\0';",
                          f"\t\trpc_out_len = strlen({p.name}) + 1;"])
    out.append("\t\tbreak;")
    out.append("\t}")


def gen_server(prefix, methods, out):
    out.append("/* The server's handlers: one per method; NULL answers -ENOSYS. */")
    out.append(f"struct {prefix}_ops {{")
    for m in methods:
        out.append(f"\t{handler_proto(m)};")
    out.append("};")
    out.append("")
    out.append("/*")
    out.append(" * Decode the call in *rpc_msg and rpc_b (as received), run its handler,")
    out.append(" * and leave the reply in *rpc_msg and rpc_b. Received handles belong to")
    out.append(" * the handler once it runs; a malformed call's are closed here. An out")
    out.append(" * string is written straight into the reply's long part.")
    out.append(" */")
    out.append(f"static inline void {prefix}_dispatch(const struct {prefix}_ops *rpc_ops, void *rpc_ctx,")
    out.append("\t\t\t\tstruct m_msg *rpc_msg, struct m_ipc_buffer *rpc_b)")
    out.append("{")
    out.append("\tchar rpc_in[M_MSG_MAX_DATA];")
    out.append("\tsize_t rpc_in_len = M_INFO_LEN(rpc_msg->info), rpc_pos = 0, rpc_out_len = 0;")
    out.append("\tunsigned int rpc_ncaps = M_INFO_CAPS(rpc_msg->info), rpc_out_caps = 0;")
    out.append("\tuint64_t rpc_badge = rpc_msg->badge;")
    out.append("\tlong rpc_r = -ENOSYS;")
    out.append("")
    out.append("\tif (rpc_in_len > M_MSG_MAX_DATA)")
    out.append("\t\trpc_in_len = M_MSG_MAX_DATA;")
    out.append("\tmemcpy(rpc_in, rpc_b->data, rpc_in_len); /* out strings overwrite rpc_b->data */")
    out.append("\t(void)rpc_pos;")
    out.append("\t(void)rpc_badge;")
    out.append("\tswitch (M_INFO_LABEL(rpc_msg->info)) {")
    for m in methods:
        gen_case(m, out)
    out.append("\t}")
    out.append("\trpc_close_caps(rpc_b, rpc_ncaps);")
    out.append("\tif (rpc_r < 0) {")
    out.append("\t\trpc_out_len = 0;")
    out.append("\t\trpc_out_caps = 0;")
    out.append("\t}")
    out.append("\trpc_msg->info = M_INFO(0, rpc_out_len, rpc_out_caps);")
    out.append("\trpc_msg->w[0] = (uint64_t)rpc_r;")
    out.append("}")
    out.append("")
    out.append("/* Serve ep until it fails (rpc_serve, rpc.h). */")
    out.append(f"static inline long {prefix}_serve(int ep, const struct {prefix}_ops *ops, void *ctx,")
    out.append("\t\t\t\tuint64_t idle_ns, void (*idle)(void *ctx))")
    out.append("{")
    out.append(f"\treturn rpc_serve(ep, (rpc_dispatch_fn){prefix}_dispatch, ops, ctx, idle_ns, idle);")
    out.append("}")


def generate(prefix, methods, source):
    for m in methods:
        if sum(1 for p in m.outs if p.kind == "str") > 1:
            raise RpcError(f"method {m.name}: at most one str result")
    out = []
    guard = f"RPC_{prefix.upper()}_H"
    out.append("/* SPDX-License-Identifier: BSD-2-Clause */")
    out.append(f"/* Generated by scripts/rpcgen.py from {source}: do not edit. */")
    out.append(f"#ifndef {guard}")
    out.append(f"#define {guard}")
    out.append("")
    out.append('#include "rpc.h"')
    out.append("")
    for m in methods:
        out.append(f"#define {prefix.upper()}_M_{m.name.upper()} {m.number}")
    out.append("")
    for m in methods:
        gen_client(prefix, m, out)
    gen_server(prefix, methods, out)
    out.append("")
    out.append("#endif")
    return "\n".join(out) + "\n"


# Descriptions the generator must refuse, with a word of the expected message.
BAD_DESCRIPTIONS = [
    ("", "no interface"),
    ("interface a\n", "no methods"),
    ("method 1 f() -> ()\n", "before the interface"),
    ("interface a\ninterface b\nmethod 1 f() -> ()\n", "second interface"),
    ("interface a\nmethod 0 f() -> ()\n", "not in 1..65535"),
    ("interface a\nmethod 70000 f() -> ()\n", "not in 1..65535"),
    ("interface a\nmethod 1 f() -> ()\nmethod 1 g() -> ()\n", "used twice"),
    ("interface a\nmethod 1 f() -> ()\nmethod 2 f() -> ()\n", "used twice"),
    ("interface a\nmethod 1 f(u32 x) -> ()\n", "bad parameter"),
    ("interface a\nmethod 1 f(cap x) -> ()\n", "needs its rights"),
    ("interface a\nmethod 1 f(cap(fly) x) -> ()\n", "unknown right"),
    ("interface a\nmethod 1 f(u64(send) x) -> ()\n", "only cap"),
    ("interface a\nmethod 1 f(u64 x, str x) -> ()\n", "used twice"),
    ("interface a\nmethod 1 f(u64 rpc_b) -> ()\n", "reserved"),
    ("interface a\nmethod 1 f(u64 int) -> ()\n", "reserved"),
    ("interface a\nmethod 1 f(u64 t_size) -> (str t)\n", "used twice"),
    ("interface a\nmethod 1 register() -> ()\n", "reserved"),
    ("interface a\nmethod 1 f(u64 a, u64 b, u64 c, u64 d, u64 e) -> ()\n", "too many u64"),
    ("interface a\nmethod 1 f() -> (u64 a, u64 b, u64 c, u64 d)\n", "too many u64"),
    ("interface a\nmethod 1 f(cap(send) a, cap(send) b, cap(send) c, cap(send) d, cap(send) e) -> ()\n",
     "too many cap"),
    ("interface a\nmethod 1 f() -> (str a, str b)\n", "at most one str"),
    ("interface a\nmethod 1 f( -> ()\n", "cannot parse"),
]


def self_test():
    failed = 0
    for text, want in BAD_DESCRIPTIONS:
        try:
            prefix, methods = parse(text)
            generate(prefix, methods, "<self-test>")
            print(f"rpcgen self-test: accepted {text!r}", file=sys.stderr)
            failed += 1
        except RpcError as e:
            if want not in str(e):
                print(f"rpcgen self-test: {text!r}: '{e}' lacks '{want}'", file=sys.stderr)
                failed += 1
    return 1 if failed else 0


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 3:
        print("usage: rpcgen.py IN.rpc OUT.h", file=sys.stderr)
        return 2
    try:
        with open(argv[1]) as f:
            prefix, methods = parse(f.read())
        text = generate(prefix, methods, argv[1])
    except (RpcError, OSError) as e:
        print(f"rpcgen: {argv[1]}: {e}", file=sys.stderr)
        return 1
    with open(argv[2] + ".tmp", "w") as f:
        f.write(text)
    os.replace(argv[2] + ".tmp", argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
