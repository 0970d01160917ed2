// Preloaded into the bundled action by the limits tests (`NODE_OPTIONS=--import <this file>`): on
// exit it prints the process's peak resident set size (the kernel's ru_maxrss, whatever moment it
// peaked) as one `peak-rss-kb: N` line on stderr, so a test can bound the memory of a case.

process.on('exit', () => {
  process.stderr.write(`peak-rss-kb: ${process.resourceUsage().maxRSS}\n`)
})
