import { describe, expect, it } from 'vitest';
import { dicomwebServer } from './server.js';

describe('dicomwebServer', () => {
  it('signs in with basic credentials from the environment and masks them in any text', () => {
    const server = dicomwebServer('http://pacs.example:8042/dicom-web/', {
      CT3D_DICOMWEB_USER: 'ward7',
      CT3D_DICOMWEB_PASSWORD: 'p@ss:word!',
    });
    const pair = Buffer.from('ward7:p@ss:word!').toString('base64');
    expect(server.base).toBe('http://pacs.example:8042/dicom-web');
    expect(server.authorization).toBe(`Basic ${pair}`);
    expect(server.scrub(`x p@ss:word! y ${pair} z ${encodeURIComponent('p@ss:word!')}`)).toBe(
      'x *** y *** z ***',
    );
  });

  it('takes credentials from the URL, strips them from the base, and prefers them to the environment', () => {
    const server = dicomwebServer('https://ann:s3cr%2Fet@pacs.example/wado?x=1', {
      CT3D_DICOMWEB_USER: 'other',
      CT3D_DICOMWEB_PASSWORD: 'other-pass',
    });
    expect(server.base).toBe('https://pacs.example/wado');
    expect(server.display).not.toContain('s3cr');
    expect(server.authorization).toBe(`Basic ${Buffer.from('ann:s3cr/et').toString('base64')}`);
    expect(server.scrub('s3cr/et and s3cr%2Fet')).toBe('*** and ***');
  });

  it('uses a bearer token, and sends nothing without credentials', () => {
    const bearer = dicomwebServer('http://pacs/dicom-web', { CT3D_DICOMWEB_TOKEN: 'tok-123456' });
    expect(bearer.authorization).toBe('Bearer tok-123456');
    expect(bearer.scrub('token tok-123456')).toBe('token ***');
    expect(dicomwebServer('http://pacs/dicom-web', {}).authorization).toBeUndefined();
  });

  it('refuses ambiguous or incomplete credentials and bad URLs in one line without the secret', () => {
    const both = () =>
      dicomwebServer('http://pacs/dw', { CT3D_DICOMWEB_USER: 'u', CT3D_DICOMWEB_TOKEN: 'tok-secret-9' });
    expect(both).toThrow(/^http:\/\/pacs\/dw: both a user .* and CT3D_DICOMWEB_TOKEN are set; give one$/);
    expect(() => dicomwebServer('http://pacs/dw', { CT3D_DICOMWEB_PASSWORD: 'pw-only-77' })).toThrow(
      'CT3D_DICOMWEB_PASSWORD is set without CT3D_DICOMWEB_USER',
    );
    expect(() => dicomwebServer('ftp://u:pw-in-url-5@pacs/dw', {})).toThrow(
      /^--dicomweb: unsupported protocol ftp:/,
    );
    expect(() => dicomwebServer('not a url', {})).toThrow(/^--dicomweb: not a URL/);
    for (const attempt of [both, () => dicomwebServer('ftp://u:pw-in-url-5@pacs/dw', {})]) {
      expect(attempt).toThrow(
        expect.objectContaining({ message: expect.not.stringMatching(/secret|pw-in/) }),
      );
    }
  });
});
