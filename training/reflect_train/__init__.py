"""reflect-lab's trainer: the paper's four settings (SFT one-stage, SFT two-stage, DPO on D_pref, DPO on D±) with TRL."""
