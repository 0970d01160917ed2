// The entry point of both steps: the runner starts this file for `main` and again for `post`;
// the post step is told apart by the state the main step saved (as actions/checkout does).
import { run } from './main.js'
import { isPostStep, markMainStep, runPost } from './post.js'

if (isPostStep()) {
  await runPost()
} else {
  markMainStep()
  await run()
}
