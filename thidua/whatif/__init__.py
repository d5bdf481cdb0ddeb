"""The what-if evaluations behind `manage.py evaluate` and the /api/v1/*/evaluate endpoints.

Both doors call `thidua.whatif.service.evaluate_one` / `evaluate_many`; neither has logic of its own.
"""
