-- Anonymous pipes: both ends, a child's stdout, an inherited end.
local r, w = ipc.pipe()
assert(r.kind == "pipe" and w.kind == "pipe" and not r.inherit and not w.inherit)
w:write("through the pipe")
assert(r:read{timeout = 1000} == "through the pipe")

-- the child's standard output is our pipe's write end
local out_r, out_w = ipc.pipe{inherit = "write"}
assert(out_w.inherit and not out_r.inherit)
local kid = ipc.spawn{ipcsh = "echo child says hi", stdout = out_w}
assert(kid:wait(10000) == "signaled")
assert(out_r:read{timeout = 2000} == "child says hi\n")

-- a standard handle must be inheritable
local ok, err = pcall(ipc.spawn, {ipcsh = "echo x", stdout = w})
assert(not ok and tostring(err):find("not inheritable", 1, true), tostring(err))

-- an inherited end used by its value in the child
local in_r, in_w = ipc.pipe{inherit = "write"}
kid = ipc.spawn{ipcsh = ("write %d 'by value'"):format(in_w.value), inherit = {in_w}}
assert(kid:wait(10000) == "signaled" and kid:exit_code() == 0)
assert(in_r:read{timeout = 2000} == "by value")

-- the other end closed
in_w:close()
ok, err = pcall(in_r.read, in_r, {timeout = 100})
assert(not ok and err.name == "ERROR_BROKEN_PIPE", tostring(err))
local lone_r, lone_w = ipc.pipe()
lone_r:close()
ok, err = pcall(lone_w.write, lone_w, "x")
assert(not ok and err.name == "ERROR_NO_DATA" and err.code == 232, tostring(err))

-- in the shell, the two ends are $p.read and $p.write
ipc.run("p = pipe; write $p.write 'shell form'")
assert(ipc.run("read $p.read --timeout 1000") == "shell form")
