import { runPolicyStage } from '../policies/stage.js'
