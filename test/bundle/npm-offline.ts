// Imported first by every bundle test that runs npm: npm must never reach a
// network. Path dependencies need none; anything else fails at once against
// a registry address where nothing listens, instead of hanging.
import { scratchDir } from './scratch.js';

process.env.npm_config_offline = 'true';
process.env.npm_config_registry = 'http://127.0.0.1:9/';
process.env.npm_config_cache = scratchDir('lambda-sync-npm-cache-');
process.env.npm_config_audit = 'false';
process.env.npm_config_fund = 'false';
process.env.npm_config_update_notifier = 'false';
process.env.npm_config_fetch_retries = '0';
