"""Where the project's data files live, resolved from the package location."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
RESPONSES_DIR = PROJECT_ROOT / "responses"
POLICY_FILE = RESPONSES_DIR / "policy.yml"
TEMPLATES_DIR = RESPONSES_DIR / "templates"
DEMO_SHOP_FILE = PROJECT_ROOT / "data" / "demo_shop" / "shop.yaml"
VAR_DIR = PROJECT_ROOT / "var"
