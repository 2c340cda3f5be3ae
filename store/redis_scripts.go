package store

import (
	_ "embed"

	"github.com/redis/go-redis/v9"
)

// The Lua scripts. Each touches only keys of one hash slot. They run through
// redis.Script, which tries EVALSHA and falls back to EVAL when the server
// has lost its script cache (a restart, SCRIPT FLUSH, a failover).
var (
	//go:embed append.lua
	appendLua    string
	appendScript = redis.NewScript(appendLua)

	//go:embed load.lua
	loadLua    string
	loadScript = redis.NewScript(loadLua)

	//go:embed marksent.lua
	markSentLua    string
	markSentScript = redis.NewScript(markSentLua)

	//go:embed duerepair.lua
	dueRepairLua    string
	dueRepairScript = redis.NewScript(dueRepairLua)

	//go:embed restore.lua
	restoreLua    string
	restoreScript = redis.NewScript(restoreLua)

	//go:embed rewrite.lua
	rewriteLua    string
	rewriteScript = redis.NewScript(rewriteLua)

	//go:embed delete.lua
	deleteLua    string
	deleteScript = redis.NewScript(deleteLua)

	//go:embed lease.lua
	leaseLua    string
	leaseScript = redis.NewScript(leaseLua)

	//go:embed release.lua
	releaseLua    string
	releaseScript = redis.NewScript(releaseLua)

	allScripts = []*redis.Script{appendScript, loadScript, markSentScript, dueRepairScript, restoreScript, rewriteScript, deleteScript, leaseScript, releaseScript}
)
