export const runPolicyStage = () => undefined
