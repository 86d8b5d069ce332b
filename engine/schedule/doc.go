// Package schedule is the daemon behind "harborscript schedule": it runs Lua
// script files on cron schedules and on Harbor webhook events.
package schedule
