"""The registry's change counter: one number that moves with every committed change to the register."""
