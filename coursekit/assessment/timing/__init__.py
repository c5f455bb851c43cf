"""Extra time on a module's post-test time limit, arranged for one learner."""
