import { run } from './run/run.js'
import { runPost } from './post.js'
