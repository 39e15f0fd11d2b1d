-- A process object turns signaled when the process exits and stays signaled;
-- its exit code is kept.
local kid = ipc.spawn{ipcsh = "sleep 300; exit 3"}
assert(ipc.info(kid).signaled == false, "running process is not signaled")
local status, index = ipc.wait(kid, {timeout = 0})
assert(status == "timeout" and index == nil, "wait 0 on a running process: " .. tostring(status))
assert(kid:exit_code() == nil)
status, index = kid:wait(10000)
assert(status == "signaled" and index == 1)
assert(kid:exit_code() == 3, "exit code " .. tostring(kid:exit_code()))
-- still signaled: waiting again returns at once, again and again
for _ = 1, 3 do assert(kid:wait(0) == "signaled") end
assert(kid:info().signaled == true)
assert(ipc.pid(kid) == kid.pid, "pid as field and function")
-- numbers have no metatable (standard Lua code relies on it), so kid.pid is
-- a field, not a method
assert(getmetatable(kid.pid) == nil)

-- kill ends a process with the code given
local victim = ipc.spawn{ipcsh = "sleep 20000"}
victim:kill(42)
assert(victim:wait(5000) == "signaled")
assert(victim:exit_code() == 42, "killed with 42: " .. tostring(victim:exit_code()))

-- a plain command line (Lua cmd = or the shell's -- CMDLINE)
local plain = ipc.spawn{cmd = "cmd.exe /c exit 7"}
assert(plain:wait(10000) == "signaled" and plain:exit_code() == 7, "cmd exit " .. tostring(plain:exit_code()))
local shell_form = ipc.run("spawn -- cmd.exe /c exit 9")
assert(shell_form:wait(10000) == "signaled" and shell_form:exit_code() == 9)
-- args are quoted the Windows way: "exit 5" stays one argument
local quoted = ipc.spawn{args = {"cmd.exe", "/c", "exit 5"}}
assert(quoted:wait(10000) == "signaled" and quoted:exit_code() == 5, "args exit " .. tostring(quoted:exit_code()))

-- exactly one way of giving the command line
local ok, err = pcall(ipc.spawn, {})
assert(not ok and tostring(err):find("exactly one of"), tostring(err))
-- a program that does not exist
ok, err = pcall(ipc.spawn, {cmd = "no-such-program-here.exe"})
assert(not ok and err.api == "CreateProcessW" and err.name == "ERROR_FILE_NOT_FOUND", tostring(err))
